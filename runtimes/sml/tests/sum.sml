val SOME line = TextIO.inputLine TextIO.stdIn
val [a, b] = List.mapPartial Int.fromString (String.tokens Char.isSpace line)
val () = print (Int.toString (a + b) ^ "\n")
