let n: int = "not a number"
