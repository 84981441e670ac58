int n = "not a number";
Console.WriteLine(n);
