using System.Globalization;
using CredalDistill.Engines;
using CredalDistill.FleetBench;
using CredalDistill.IO;

// Usage:
//   CredalDistill.FleetBench lake FOLDER ROWS [CLASSES]   writes the synthetic lake (SyntheticLake) with DuckDB
//   CredalDistill.FleetBench npy FOLDER OUT [CLASSES]      exports the lake's cloud and edge logits to OUT/cloud.npy, OUT/edge.npy (same row order)
if (args.Length < 3 || args[0] is not ("lake" or "npy"))
{
    Console.Error.WriteLine("usage: lake FOLDER ROWS [CLASSES] | npy FOLDER OUT [CLASSES]");
    return 2;
}

int classes = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10;
using var engine = new DuckDbEngine(memoryLimit: "4GB");
if (args[0] == "lake")
{
    engine.Execute(SyntheticLake.Sql(args[1], long.Parse(args[2], CultureInfo.InvariantCulture), classes));
    return 0;
}

Directory.CreateDirectory(args[2]);
string[] header = [.. Enumerable.Range(0, classes).Select(k => "z" + k.ToString(CultureInfo.InvariantCulture))];
using var cloud = MatrixWriter.Create(Path.Combine(args[2], "cloud.npy"), header);
using var edge = MatrixWriter.Create(Path.Combine(args[2], "edge.npy"), header);
string select = $"SELECT {SyntheticLake.Columns("c", classes)}, {SyntheticLake.Columns("e", classes)} FROM ({SyntheticLake.Query(args[1])})";
long rows = engine.Query(select, reader =>
{
    const int Block = 65_536;
    var c = new double[Block * classes];
    var e = new double[Block * classes];
    long total = 0;
    int n = 0;
    while (true)
    {
        bool more = reader.Read();
        if (more)
        {
            for (int k = 0; k < classes; k++)
            {
                c[(n * classes) + k] = reader.GetFloat(k);
                e[(n * classes) + k] = reader.GetFloat(classes + k);
            }

            n++;
        }

        if (n == Block || (!more && n > 0))
        {
            cloud.WriteRows(n, c.AsSpan(0, n * classes));
            edge.WriteRows(n, e.AsSpan(0, n * classes));
            total += n;
            n = 0;
        }

        if (!more)
        {
            return total;
        }
    }
});
cloud.Commit();
edge.Commit();
Console.WriteLine($"{rows} rows");
return 0;
