let numbers = stdin.ReadLine().Split(' ', System.StringSplitOptions.RemoveEmptyEntries) |> Array.map int64
printfn "%d" (numbers[0] + numbers[1])
