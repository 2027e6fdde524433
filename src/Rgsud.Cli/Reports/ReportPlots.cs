using System.Globalization;
using ScottPlot;

namespace Rgsud.Cli.Reports;

/// <summary>The training report's plots (ScottPlot), as PNG bytes.</summary>
internal static class ReportPlots
{
    /// <summary>Plot size in pixels.</summary>
    public const int Width = 720;

    /// <summary>Plot size in pixels.</summary>
    public const int Height = 360;

    /// <summary>Values logged with the losses that are not losses (the learning rate, the count of pseudo-pair rows).</summary>
    private static readonly HashSet<string> NotLosses = new(StringComparer.Ordinal) { "lr", "pseudo_rows" };

    /// <summary>One plot per stage with every loss of that stage's step lines; null for a stage without lines.</summary>
    public static ReportPlot? Losses(IReadOnlyList<TrainingLogEntry> log, int stage)
    {
        var steps = log.Where(e => !e.IsPass && e.Stage == stage).ToList();
        if (steps.Count == 0) return null;
        var names = steps.SelectMany(e => e.Losses.Keys).Where(n => !NotLosses.Contains(n)).Distinct().Order(StringComparer.Ordinal).ToList();
        var plot = new Plot();
        foreach (var name in names)
        {
            var points = steps.Where(e => e.Losses.TryGetValue(name, out var v) && double.IsFinite(v)).ToList();
            if (points.Count == 0) continue;
            var xs = points.Select(e => (double)e.Step).ToArray();
            var ys = points.Select(e => e.Losses[name]).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = name;
            line.MarkerSize = points.Count > 60 ? 0 : 3;
            line.LineWidth = 1.5f;
        }
        string title = stage == 1 ? "Stage 1 losses (base method, reward recycling)" : "Stage 2 losses (self-reinforcement)";
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel("loss (mean over the logging interval)");
        plot.ShowLegend(Alignment.UpperRight);
        return new ReportPlot($"report-losses-stage{stage}.png", title, plot.GetImageBytes(Width, Height, ImageFormat.Png));
    }

    /// <summary>Mean reward score per pass against the inputs' mean score; null without pass lines.</summary>
    public static ReportPlot? BankScore(IReadOnlyList<TrainingLogEntry> log, string scorer)
    {
        var all = log.Where(e => e.IsPass).ToList();
        if (all.Count == 0) return null;
        var plot = new Plot();
        var passes = all.Where(e => e.BankMeanScore is { } m && double.IsFinite(m)).ToList();
        if (passes.Count > 0)
        {
            var mean = plot.Add.Scatter(passes.Select(e => (double)e.Step).ToArray(), passes.Select(e => e.BankMeanScore!.Value).ToArray());
            mean.LegendText = "mean reward score";
            mean.MarkerSize = 5;
        }
        var inputs = all.Where(e => e.BankMeanInputScore is { } v && double.IsFinite(v)).ToList();
        if (inputs.Count > 0)
        {
            var input = plot.Add.Scatter(inputs.Select(e => (double)e.Step).ToArray(), inputs.Select(e => e.BankMeanInputScore!.Value).ToArray());
            input.LegendText = "mean score of the rainy inputs";
            input.MarkerSize = 0;
            input.LinePattern = LinePattern.Dashed;
        }
        var stage2 = log.FirstOrDefault(e => e.Stage == 2);
        if (stage2 is not null)
        {
            var v = plot.Add.VerticalLine(stage2.Step);
            v.LegendText = "stage 2 starts";
            v.LinePattern = LinePattern.Dotted;
        }
        string title = $"Reward bank: mean score per recycling pass ({scorer})";
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel("score");
        // Upper left: a score that improves during training ends high on the right.
        plot.ShowLegend(Alignment.UpperLeft);
        return new ReportPlot("report-bank-score.png", title, plot.GetImageBytes(Width, Height, ImageFormat.Png));
    }

    /// <summary>Filled slots and acceptances per recycling pass; null without pass lines.</summary>
    public static ReportPlot? BankActivity(IReadOnlyList<TrainingLogEntry> log)
    {
        var passes = log.Where(e => e.IsPass).ToList();
        if (passes.Count == 0) return null;
        var plot = new Plot();
        var xs = passes.Select(e => (double)e.Step).ToArray();
        var filled = plot.Add.Scatter(xs, passes.Select(e => (double)(e.BankFilled ?? 0)).ToArray());
        filled.LegendText = "slots filled";
        filled.MarkerSize = 5;
        var accepted = plot.Add.Scatter(xs, passes.Select(e => (double)(e.Accepted ?? 0)).ToArray());
        accepted.LegendText = "accepted in the pass";
        accepted.MarkerSize = 5;
        var offered = plot.Add.Scatter(xs, passes.Select(e => (double)(e.Offered ?? 0)).ToArray());
        offered.LegendText = "offered in the pass";
        offered.MarkerSize = 0;
        offered.LinePattern = LinePattern.Dashed;
        string title = "Reward bank: filled slots and acceptances per pass";
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel("images");
        plot.Axes.SetLimitsY(0, Math.Max(1, passes.Max(e => Math.Max(e.Offered ?? 0, e.BankFilled ?? 0))) * 1.1);
        plot.ShowLegend(Alignment.LowerRight);
        return new ReportPlot("report-bank-activity.png", title, plot.GetImageBytes(Width, Height, ImageFormat.Png));
    }

    /// <summary>A bar chart of named values (the demo's and the ablation's PSNR per arm).</summary>
    public static ReportPlot Bars(string fileName, string title, string yLabel, IReadOnlyList<(string Name, double Value)> bars)
    {
        var plot = new Plot();
        var values = bars.Select(b => double.IsFinite(b.Value) ? b.Value : 0).ToArray();
        var barPlot = plot.Add.Bars(values);
        for (int i = 0; i < barPlot.Bars.Count; i++)
        {
            barPlot.Bars[i].Label = values[i].ToString("F2", CultureInfo.InvariantCulture);
        }
        barPlot.ValueLabelStyle.FontSize = 14;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            bars.Select((b, i) => new Tick(i, b.Name)).ToArray());
        double low = values.Min(), high = values.Max();
        plot.Axes.SetLimitsY(Math.Max(0, low - (high - low) * 2 - 1), high + (high - low) * 0.5 + 0.5);
        plot.Title(title);
        plot.YLabel(yLabel);
        return new ReportPlot(fileName, title, plot.GetImageBytes(Width / 2 + 120, Height, ImageFormat.Png));
    }
}
