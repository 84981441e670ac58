# Yabasic prints "?" before it reads when INPUT or LINE INPUT has no prompt of its own, so a program
# written for other runners prints "?42" where it meant "42". This gives each such statement the
# empty prompt "" (which prints nothing). A statement starts a line (after an optional line number),
# or follows ":" or THEN/ELSE; text in strings is left as it is, and so are INPUT #n (a file) and
# INPUT AT(x,y) (a screen position).
{
    s = $0; out = ""; instr = 0; start = 1; i = 1
    if (match(s, /^[[:space:]]*[0-9]+/)) { out = substr(s, 1, RLENGTH); i = RLENGTH + 1 }
    while (i <= length(s)) {
        c = substr(s, i, 1)
        if (instr) { out = out c; if (c == "\"") instr = 0; i++; continue }
        rest = substr(s, i); low = tolower(rest)
        if (start) {
            if (match(rest, /^[[:space:]]+/)) { out = out substr(rest, 1, RLENGTH); i += RLENGTH; continue }
            start = 0
            if (match(low, /^(line[[:space:]]+)?input[[:space:]]+/)) {
                keyword = substr(rest, 1, RLENGTH); after = substr(low, RLENGTH + 1)
                if (after !~ /^["#]/ && after !~ /^at[[:space:]]*\(/) keyword = keyword "\"\" "
                out = out keyword; i += RLENGTH; continue
            }
        }
        if (c == "\"") instr = 1
        else if (c == ":") start = 1
        else if ((i == 1 || substr(s, i - 1, 1) !~ /[[:alnum:]_]/) && match(low, /^(then|else)([^[:alnum:]_$]|$)/)) {
            n = (substr(low, 1, 4) == "then" || substr(low, 1, 4) == "else") ? 4 : RLENGTH
            out = out substr(rest, 1, n); i += n; start = 1; continue
        }
        out = out c; i++
    }
    print out
}
