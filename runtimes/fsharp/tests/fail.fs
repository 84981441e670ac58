let n: int = "not a number"
printfn "%d" n
