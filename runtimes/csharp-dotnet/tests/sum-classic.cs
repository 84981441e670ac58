using System;

namespace Solution
{
    public static class Program
    {
        public static void Main(string[] args)
        {
            string[] parts = Console.ReadLine().Split(' ');
            int a = int.Parse(parts[0]);
            int b = int.Parse(parts[1]);
            Console.WriteLine(a + b);
        }
    }
}
