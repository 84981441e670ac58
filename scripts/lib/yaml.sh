# Minimal readers for runtimes/<id>/runtime.yaml, shared by images.sh and verify-language.sh.
# (No YAML tool is installed; the C# side reads these files with a real parser.)

# yaml_list FILE KEY: items of a one-line flow list `KEY: [a, b, "c"]`; prints
# nothing for `KEY: null`.
yaml_list() {
    awk -v key="$2" '
        $0 ~ "^" key ":" {
            sub("^" key ":[ \t]*", "")
            if ($0 ~ /^(null|~)?[ \t]*$/) exit
            sub(/^\[/, ""); sub(/\][ \t]*$/, "")
            n = split($0, items, ",")
            for (i = 1; i <= n; i++) {
                item = items[i]
                gsub(/^[ \t]+|[ \t]+$/, "", item)
                if (item ~ /^".*"$/ || item ~ /^\x27.*\x27$/) item = substr(item, 2, length(item) - 2)
                if (item != "") print item
            }
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
