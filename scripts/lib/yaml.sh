# Minimal readers for runtimes/<id>/runtime.yaml, shared by images.sh and verify-language.sh.
# (No YAML tool is installed; the C# side reads these files with a real parser.)

# yaml_list FILE KEY: items of a one-line flow list `KEY: [a, b, "c, d", 'e''s']`; prints
# nothing for `KEY: null`. Commas inside quotes stay in their item; '' in a single-quoted item is '
# and \" in a double-quoted one is " (enough for argv lists; the C# side uses a real YAML parser).
yaml_list() {
    awk -v key="$2" '
        function flush() { if (quoted || item != "") print item; item = ""; quoted = 0 }
        $0 ~ "^" key ":" {
            sub("^" key ":[ \t]*", "")
            if ($0 ~ /^(null|~)?[ \t]*$/) exit
            sub(/^\[/, ""); sub(/\][ \t]*$/, "")
            item = ""; quoted = 0; q = ""
            for (i = 1; i <= length($0); i++) {
                c = substr($0, i, 1)
                if (q == "\x27") {
                    if (c == "\x27" && substr($0, i + 1, 1) == "\x27") { item = item c; i++ }
                    else if (c == "\x27") q = ""
                    else item = item c
                } else if (q == "\"") {
                    if (c == "\\" && substr($0, i + 1, 1) == "\"") { item = item "\""; i++ }
                    else if (c == "\"") q = ""
                    else item = item c
                } else if (c == "\x27" || c == "\"") { q = c; quoted = 1 }
                else if (c == ",") flush()
                else if (c != " " && c != "\t") item = item c
                else if (item != "" && substr($0, i + 1, 1) !~ /[ \t,]/ && i < length($0)) item = item c
            }
            flush()
            exit
        }' "$1"
}

# yaml_template FILE: the `template: |` block, its indentation removed.
yaml_template() {
    awk '/^template:/ { on = 1; next }
         on && /^[^ \t]/ { exit }
         on { if (ind == "" && $0 ~ /[^ ]/) { match($0, /^ +/); ind = RLENGTH }
              print substr($0, ind + 1) }' "$1"
}

yaml_scalar() { awk -v key="$2" '$0 ~ "^" key ":" { sub("^" key ":[ \t]*", ""); print; exit }' "$1"; }
