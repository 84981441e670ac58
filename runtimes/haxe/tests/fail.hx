class Main {
    static function main() {
        var n:Int = "not a number";
        Sys.println(n);
    }
}
