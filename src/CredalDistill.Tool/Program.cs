using CredalDistill.Cli;

using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C: stop cleanly (no output file is written); a second one kills the process.
    e.Cancel = !interrupt.IsCancellationRequested;
    interrupt.Cancel();
};
return CredalApp.Run(args, Console.Out, Console.Error, ToolApp.Composition, interrupt.Token);
