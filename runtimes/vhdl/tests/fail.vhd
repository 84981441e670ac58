entity main is
end entity;
architecture a of main is
begin
  process begin
    assert false report "failed on purpose" severity failure;
    wait;
  end process;
end architecture;
