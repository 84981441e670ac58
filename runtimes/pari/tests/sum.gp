s = strsplit(readstr("/dev/stdin")[1], " ");
print(eval(s[1]) + eval(s[2]));
