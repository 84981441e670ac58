using System;
using System.Linq;

class Program
{
    static void Main()
    {
        long sum = Console.ReadLine().Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).Sum();
        Console.WriteLine(sum);
    }
}
