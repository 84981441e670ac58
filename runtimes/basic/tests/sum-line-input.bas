line input l$
dim part$(2)
n = token(l$, part$(), " ")
print val(part$(1)) + val(part$(2))
