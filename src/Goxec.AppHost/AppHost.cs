Console.WriteLine("Goxec AppHost");
