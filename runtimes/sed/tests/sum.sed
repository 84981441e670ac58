# Adds two non-negative whole numbers of any length ("40 2" prints 42), digit by digit from the
# right as on paper. The pattern space holds "A|B|carry|sum so far"; each round takes the last
# digit of A and of B, adds them (and the carry) as runs of x, and writes the digit in front.
s/^[[:space:]]*\([0-9]\+\)[[:space:]]\+\([0-9]\+\)[[:space:]]*$/\1|\2||/
:round
/^||/ {
    s/^||c|/1/
    s/^|||//
    b
}
s/^|/0|/
s/^\([0-9]\+\)||/\1|0|/
s/^\([0-9]*\)\([0-9]\)|\([0-9]*\)\([0-9]\)|\(c\?\)|\(.*\)$/\1|\3|\6@\2\4\5/
:unary
s/\(@x*\)0/\1/
s/\(@x*\)1/\1x/
s/\(@x*\)2/\1xx/
s/\(@x*\)3/\1xxx/
s/\(@x*\)4/\1xxxx/
s/\(@x*\)5/\1xxxxx/
s/\(@x*\)6/\1xxxxxx/
s/\(@x*\)7/\1xxxxxxx/
s/\(@x*\)8/\1xxxxxxxx/
s/\(@x*\)9/\1xxxxxxxxx/
t unary
s/\(@x*\)c$/\1x/
s/@xxxxxxxxxx\(x*\)$/@\1c/
s/@xxxxxxxxx\(c\?\)$/@9\1/
s/@xxxxxxxx\(c\?\)$/@8\1/
s/@xxxxxxx\(c\?\)$/@7\1/
s/@xxxxxx\(c\?\)$/@6\1/
s/@xxxxx\(c\?\)$/@5\1/
s/@xxxx\(c\?\)$/@4\1/
s/@xxx\(c\?\)$/@3\1/
s/@xx\(c\?\)$/@2\1/
s/@x\(c\?\)$/@1\1/
s/@\(c\?\)$/@0\1/
s/^\([0-9]*|[0-9]*|\)\(.*\)@\([0-9]\)\(c\?\)$/\1\4|\3\2/
b round
