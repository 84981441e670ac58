class Main {
    static function main() {
        var parts = Sys.stdin().readLine().split(" ");
        Sys.println(Std.parseInt(parts[0]) + Std.parseInt(parts[1]));
    }
}
