namespace CredalDistill.IO;

/// <summary>CSV <see cref="MatrixWriter"/>: header row, then one line per row (shortest round-trip numbers).</summary>
internal sealed class CsvMatrixWriter : MatrixWriter
{
    private readonly StreamWriter _text;
    private readonly CsvTableWriter _csv;

    public CsvMatrixWriter(string path, IReadOnlyList<string> header, string? textColumn)
        : base(path, header, textColumn)
    {
        _text = new StreamWriter(Stream, AtomicFile.Utf8NoBom, 1 << 16, leaveOpen: true) { NewLine = "\n" };
        _csv = new CsvTableWriter(_text, textColumn is null ? header : [.. header, textColumn]);
    }

    protected override void WriteRowsCore(int rows, ReadOnlySpan<double> values, ReadOnlySpan<string> texts)
    {
        int columns = Columns;
        for (int i = 0; i < rows; i++)
        {
            foreach (double v in values.Slice(i * columns, columns))
            {
                _csv.Write(v);
            }

            if (TextColumn is not null)
            {
                _csv.Write(texts[i]);
            }

            _csv.EndRow();
        }
    }

    // The text writer leaves the temporary file's stream open and holds nothing else: flushing it is enough.
    protected override void Complete() => _text.Flush();
}
