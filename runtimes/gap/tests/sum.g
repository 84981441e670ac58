input := InputTextUser();;
line := Chomp(ReadLine(input));;
parts := List(SplitString(line, " "), Int);;
Print(parts[1] + parts[2], "\n");
