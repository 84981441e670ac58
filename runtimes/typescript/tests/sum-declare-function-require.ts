declare function require(name: string): any;
const lines: string[] = require("fs").readFileSync("/dev/stdin", "utf8").split("\n");
const [a, b] = lines[0].split(" ").map((x: string) => parseInt(x, 10));
console.log(a + b);
