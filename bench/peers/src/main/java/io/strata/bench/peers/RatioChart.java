package io.strata.bench.peers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The ratios as a bar chart (JFreeChart, PNG): per workload, one bar per peer and acknowledgement, the
 * height {@code strata-grpc} ÷ peer on a log scale, bars growing up from 1 when Strata is ahead and
 * down when it is behind.
 */
final class RatioChart {
    private static final int WIDTH = 1100;
    private static final int HEIGHT = 560;

    private RatioChart() {
    }

    static void write(List<RatioTable.Ratio> ratios, String subtitle, Path png) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        double low = 1;
        double high = 1;
        for (RatioTable.Ratio ratio : ratios) {
            if (ratio.likeForLike().isPresent()) {
                double value = ratio.likeForLike().getAsDouble();
                data.addValue(value, "vs " + ratio.peer() + ", " + ratio.acknowledgement().label(), ratio.workload());
                low = Math.min(low, value);
                high = Math.max(high, value);
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(
                "Strata (" + RatioTable.LIKE_FOR_LIKE + ") ÷ peer, at the same acknowledgement (above 1: Strata ahead)",
                "workload", "ratio (log scale)", data, PlotOrientation.VERTICAL, true, false, false);
        chart.addSubtitle(new TextTitle(subtitle));
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        LogAxis axis = new LogAxis("Strata ÷ peer (log scale)");
        axis.setBase(2); // ticks at 1/8, 1/4, 1/2, 1, 2, 4, 8 …
        axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        axis.setRange(low / 1.5, high * 1.5);
        axis.setNumberFormatOverride(new DecimalFormat("0.###"));
        plot.setRangeAxis(axis);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setBase(1.0); // bars start at "even"
        renderer.setItemMargin(0.05);
        plot.addRangeMarker(new ValueMarker(1.0, Color.BLACK, new BasicStroke(1.5f)));
        Files.createDirectories(png.toAbsolutePath().getParent());
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
    }
}
