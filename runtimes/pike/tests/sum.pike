int main() {
    array(int) n = (array(int)) (Stdio.stdin->gets() / " ");
    write("%d\n", n[0] + n[1]);
    return 0;
}
