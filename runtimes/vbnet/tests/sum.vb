Module Program
    Sub Main()
        Dim parts = Console.ReadLine().Split(" "c, StringSplitOptions.RemoveEmptyEntries)
        Console.WriteLine(CInt(parts(0)) + CInt(parts(1)))
    End Sub
End Module
