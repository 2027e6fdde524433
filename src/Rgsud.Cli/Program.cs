Console.WriteLine("rgsud");
