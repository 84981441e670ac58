input a, b
print a + b
