namespace SmartCity.Benchmarks;

internal static class ReportFormat
{
    public static readonly IFormatProvider Culture = System.Globalization.CultureInfo.InvariantCulture;

    public static string F(double value, int decimals = 1) => value.ToString("F" + decimals, Culture);

    public static string Ratio(double value) => value.ToString("F2", Culture) + "×";

    public static double Ms(long ticks) => ticks * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
}
