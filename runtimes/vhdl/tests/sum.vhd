use std.textio.all;

entity main is
end entity;

architecture run of main is
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
