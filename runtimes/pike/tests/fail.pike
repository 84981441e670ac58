int main() {
    int n = "not a number";
    return n;
}
