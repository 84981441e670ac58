:- initialization(main).

main :-
    read_integer(A),
    read_integer(B),
    S is A + B,
    write(S), nl.
