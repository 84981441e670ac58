class Program
{
    static void Main()
    {
        int n = "not a number";
    }
}
