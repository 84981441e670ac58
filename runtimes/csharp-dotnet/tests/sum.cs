var numbers = Console.ReadLine()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();
Console.WriteLine(numbers[0] + numbers[1]);
