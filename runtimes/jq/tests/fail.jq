# A syntax error: jq refuses the program before it reads any input.
. + (
