int main() {
    std::string s = 1;
}
