use std.textio.all;

entity adder is
end entity;

architecture run of adder is
begin
  process
    variable l : line;
    variable a, b : integer;
  begin
    readline(input, l);
    read(l, a);
    read(l, b);
    write(l, a + b);
    writeline(output, l);
    wait;
  end process;
end architecture;
