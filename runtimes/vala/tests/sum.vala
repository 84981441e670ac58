void main () {
    string[] parts = stdin.read_line ().strip ().split (" ");
    int64 sum = int64.parse (parts[0]) + int64.parse (parts[1]);
    print ("%s\n", sum.to_string ());
}
