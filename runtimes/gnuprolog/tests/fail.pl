:- initialization(main).

main :- write(unclosed.
