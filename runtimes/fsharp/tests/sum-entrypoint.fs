open System

[<EntryPoint>]
let main argv =
    let [| a; b |] = Console.ReadLine().Split ' ' |> Array.map int
    printfn "%d" (a + b)
    0
