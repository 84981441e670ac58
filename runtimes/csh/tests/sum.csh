set line = "$<"
set n = ($line)
@ s = $n[1] + $n[2]
echo $s
