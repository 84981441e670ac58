# Reads two integers and prints their sum.
integer a, b
read(*, *) a, b
write(*, 10) a + b
10 format(i0)
end
