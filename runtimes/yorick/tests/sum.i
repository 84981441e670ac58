f = open("/dev/stdin");
line = rdline(f);
n = array(0, 2);
sread, line, n;
write, format="%d\n", n(1) + n(2);
