module main;
  initial begin
    undeclared = 1;
  end
endmodule
