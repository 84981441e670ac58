define(`input', translit(include(`/dev/stdin'), `
'))dnl
eval(patsubst(input, ` +', `+'))
