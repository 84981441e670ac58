let () = print_endline (1 + "not a number")
