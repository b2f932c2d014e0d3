// testlib-protocol checker (argv input output answer; exit 0 ok, 1 wrong, 3 fail),
// written without testlib.h: accepts YES/NO in any letter case.
#include <cctype>
#include <fstream>
#include <iostream>
#include <string>
static std::string upper(std::string s) { for (char &c : s) c = std::toupper((unsigned char)c); return s; }
int main(int argc, char **argv) {
    if (argc < 4) return 3;
    std::ifstream out(argv[2]), ans(argv[3]);
    std::string got, want, extra;
    if (!(ans >> want)) { std::cerr << "no answer\n"; return 3; }
    if (!(out >> got)) { std::cerr << "wrong answer: empty output\n"; return 1; }
    if (out >> extra) { std::cerr << "wrong answer: extra tokens\n"; return 1; }
    if (upper(got) != upper(want)) { std::cerr << "wrong answer: expected " << want << ", found " << got << "\n"; return 1; }
    std::cerr << "ok " << want << "\n";
    return 0;
}
