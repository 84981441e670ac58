implement main0 () = println! (1 + "x")
