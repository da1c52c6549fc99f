using System.Data.Common;
using System.Globalization;
using CredalDistill.Divergences;
using CredalDistill.IO;
using DuckDB.NET.Data;

namespace CredalDistill.Engines;

/// <summary>
/// The embedded engine: an in-memory DuckDB database (its native library comes with the DuckDB.NET package; nothing is
/// downloaded) that runs the <see cref="DuckDbDialect"/> queries over whatever DuckDB reads (Parquet lakes with hive
/// partitions, CSV, other databases) and returns only their small answers.
/// </summary>
public sealed class DuckDbEngine : IDisposable
{
    private readonly DuckDBConnection _connection;
    private readonly string _spill = Path.Combine(Path.GetTempPath(), "credal-duckdb-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Opens the engine.</summary>
    /// <param name="memoryLimit">DuckDB's <c>memory_limit</c> (e.g. <c>2GB</c>; larger sorts spill to a temporary directory), or null for DuckDB's default (80% of RAM).</param>
    /// <param name="threads">DuckDB's worker threads, or null for one per core.</param>
    /// <exception cref="EngineUnavailableException">DuckDB's native library could not be loaded.</exception>
    public DuckDbEngine(string? memoryLimit = null, int? threads = null)
    {
        try
        {
            _connection = new DuckDBConnection("DataSource=:memory:");
            _connection.Open();
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or TypeInitializationException)
        {
            throw new EngineUnavailableException("DuckDB's native library (libduckdb) could not be loaded: " + ex.Message, ex);
        }

        // Nothing is downloaded at run time: a query that needs an extension DuckDB does not have built in fails instead.
        Execute("SET autoinstall_known_extensions = false");
        // Sorts beyond memory_limit spill here (DuckDB's default for an in-memory database is ./.tmp, in the user's folder); removed on Dispose.
        Execute($"SET temp_directory = '{_spill.Replace("'", "''", StringComparison.Ordinal)}'");
        Execute("SET enable_progress_bar = true");
        Execute("SET enable_progress_bar_print = false");
        if (memoryLimit is not null)
        {
            Execute($"SET memory_limit = '{memoryLimit.Replace("'", "''", StringComparison.Ordinal)}'");
        }

        if (threads is int t)
        {
            Execute(string.Create(CultureInfo.InvariantCulture, $"SET threads = {t}"));
        }
    }

    /// <summary>The connection (tests load tables through it).</summary>
    internal DuckDBConnection Connection => _connection;

    /// <summary>DuckDB's version string (e.g. <c>v1.5.6</c>).</summary>
    public string Version => (string)Scalar("SELECT version()")!;

    /// <summary>Runs a statement that returns nothing.</summary>
    public void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The first column of the first row, or null.</summary>
    public object? Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    /// <summary>
    /// Runs <paramref name="sql"/> and hands its reader to <paramref name="read"/>; DuckDB's progress is reported while the
    /// query runs, and <paramref name="cancellationToken"/> interrupts it.
    /// </summary>
    /// <exception cref="OperationCanceledException">Interrupted.</exception>
    /// <exception cref="EngineQueryException">DuckDB refused or failed the query (the message is DuckDB's).</exception>
    public T Query<T>(string sql, Func<DbDataReader, T> read, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        cancellationToken.ThrowIfCancellationRequested();
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        using var registration = cancellationToken.Register(command.Cancel);
        var task = Task.Run(() =>
        {
            using var reader = command.ExecuteReader();
            return read(reader);
        }, CancellationToken.None);
        while (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(200))
        {
            if (progress is not null && _connection.GetQueryProgress().Percentage is double p && p >= 0)
            {
                progress.Report(Math.Min(p, 100.0) / 100.0);
            }
        }

        try
        {
            var result = task.GetAwaiter().GetResult();
            progress?.Report(1.0);
            return result;
        }
        catch (DuckDBException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (DuckDBException ex)
        {
            throw new EngineQueryException(ex.Message, ex);
        }
    }

    /// <summary>
    /// The number of elements of the list column <paramref name="column"/> in the first row of <paramref name="query"/>
    /// (rows with another length are then counted as bad rows by the calibration query).
    /// </summary>
    /// <exception cref="DataFormatException">No rows, or the first row's list is NULL.</exception>
    public int ProbeListLength(string query, string column)
    {
        var d = DuckDbDialect.Instance;
        string sql = $"SELECT {d.ListLength(d.Quote(column))} FROM ({ScoreSql.TrimStatement(query)}) AS credal_probe LIMIT 1";
        object? value = Query(sql, r => r.Read() ? (r.IsDBNull(0) ? null : r.GetValue(0)) : DBNull.Value);
        return value switch
        {
            DBNull => throw new DataFormatException("the query", "no rows: the query returned no (cloud, edge) pairs to calibrate on"),
            null => throw new DataFormatException("the query", $"the list column '{column}' is NULL in the first row; give --classes or fix the row"),
            _ => Convert.ToInt32(value, CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// CD-CI calibration inside DuckDB: the scores and the exact threshold (per group and over all rows when
    /// <paramref name="groupBy"/> is given) by <see cref="ThresholdQuery"/>; only one row per group comes back.
    /// </summary>
    /// <param name="query">A SELECT statement giving the rows (e.g. over <c>read_parquet('lake/**/*.parquet', hive_partitioning = true)</c>).</param>
    /// <param name="columns">Where the pairs are.</param>
    /// <param name="divergence">The score divergence.</param>
    /// <param name="epsilon">The miscoverage.</param>
    /// <param name="groupBy">The group column, or null.</param>
    /// <param name="progress">Receives DuckDB's progress.</param>
    /// <param name="cancellationToken">Interrupts the query.</param>
    /// <exception cref="DataFormatException">Bad rows, no rows, or more than 2^31 - 1 rows.</exception>
    public EngineCalibration Calibrate(string query, PairColumns columns, FDivergence divergence, double epsilon, string? groupBy, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(divergence);
        string sql = ThresholdQuery.Build(DuckDbDialect.Instance, query, columns, SqlDivergence.For(divergence), epsilon, groupBy);
        var rows = Query(sql, ThresholdRow.ReadAll, progress, cancellationToken);
        return EngineCalibration.FromRows(rows, groupBy is not null, divergence.Name, epsilon, columns.Classes, columns.RowRule());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _connection.Dispose();
        try
        {
            if (Directory.Exists(_spill))
            {
                Directory.Delete(_spill, recursive: true);
            }
        }
        catch (IOException)
        {
            // A spill file still held open: the folder stays in the system's temporary folder.
        }
    }
}
