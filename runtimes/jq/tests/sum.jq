# -n: stdin's values ("40 2" is two of them) come through `inputs`.
[inputs] | add
