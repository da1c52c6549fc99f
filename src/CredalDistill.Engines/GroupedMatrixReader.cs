using System.Data.Common;
using CredalDistill.IO;
using DuckDB.NET.Data;

namespace CredalDistill.Engines;

/// <summary>
/// A <see cref="MatrixReader"/> over a CSV or Parquet file read by DuckDB, whose columns are the classes except one group
/// column: the class values stream as the matrix, and each row's group value (as text) is kept for the caller, chunk by
/// chunk (<see cref="TakeGroups"/>), so that <c>credal predict --group COLUMN</c> applies each row's group threshold.
/// </summary>
public sealed class GroupedMatrixReader : MatrixReader
{
    private readonly DuckDBCommand _command;
    private readonly DbDataReader _reader;
    private readonly List<string?> _groups = [];
    private readonly int _groupOrdinal;
    private bool _end;

    private GroupedMatrixReader(string path, IReadOnlyList<string> header, DuckDBCommand command, DbDataReader reader)
        : base(path, header.Count, header)
    {
        _command = command;
        _reader = reader;
        _groupOrdinal = header.Count;
    }

    /// <inheritdoc />
    public override int? TotalRows => null;

    /// <inheritdoc />
    public override bool EndOfData => _end;

    /// <summary>Opens <paramref name="path"/> (.csv with a header row, or .parquet) through <paramref name="engine"/>.</summary>
    /// <exception cref="DataFormatException">The file cannot be read, or has no column <paramref name="groupColumn"/>.</exception>
    public static GroupedMatrixReader Open(DuckDbEngine engine, string path, string groupColumn)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(groupColumn);
        var d = DuckDbDialect.Instance;
        string literal = "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'";
        string source = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? $"read_csv({literal}, header = true)" : $"read_parquet({literal})";
        List<string> columns;
        try
        {
            columns = engine.Query($"DESCRIBE SELECT * FROM {source}", r =>
            {
                var names = new List<string>();
                while (r.Read())
                {
                    names.Add(r.GetString(0));
                }

                return names;
            });
        }
        catch (EngineQueryException ex)
        {
            throw new DataFormatException(path, ex.Message, innerException: ex);
        }

        int index = columns.FindIndex(c => string.Equals(c, groupColumn, StringComparison.Ordinal));
        if (index < 0)
        {
            throw new DataFormatException(path, $"no column '{groupColumn}' (columns: {string.Join(", ", columns)})");
        }

        var header = columns.Where((_, i) => i != index).ToList();
        if (header.Count == 0)
        {
            throw new DataFormatException(path, $"only the group column '{groupColumn}'; the other columns are the classes");
        }

        string select = string.Join(", ", header.Select(c => $"CAST({d.Quote(c)} AS DOUBLE)")) + $", CAST({d.Quote(groupColumn)} AS VARCHAR)";
        var command = engine.Connection.CreateCommand();
        command.CommandText = $"SELECT {select} FROM {source}";
        command.UseStreamingMode = true;
        try
        {
            return new GroupedMatrixReader(path, header, command, command.ExecuteReader());
        }
        catch (DuckDBException ex)
        {
            command.Dispose();
            throw new DataFormatException(path, ex.Message, innerException: ex);
        }
    }

    /// <summary>The group values of the rows read since the last call (NULL group values as null), in row order.</summary>
    public string?[] TakeGroups()
    {
        var groups = _groups.ToArray();
        _groups.Clear();
        return groups;
    }

    /// <inheritdoc />
    protected override int ReadRowsCore(Span<double> destination)
    {
        int rows = 0;
        int k = Columns;
        try
        {
            while (!_end && (rows + 1) * k <= destination.Length)
            {
                if (!_reader.Read())
                {
                    _end = true;
                    break;
                }

                var row = destination.Slice(rows * k, k);
                for (int j = 0; j < k; j++)
                {
                    row[j] = _reader.IsDBNull(j) ? double.NaN : _reader.GetDouble(j);
                }

                _groups.Add(_reader.IsDBNull(_groupOrdinal) ? null : _reader.GetString(_groupOrdinal));
                rows++;
            }
        }
        catch (DuckDBException ex)
        {
            throw new DataFormatException(FilePath, ex.Message, row: (int)Math.Min(int.MaxValue, RowsRead + rows + 1L), innerException: ex);
        }

        return rows;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.Dispose();
            _command.Dispose();
        }
    }

}
