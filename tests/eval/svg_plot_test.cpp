#include "eval/svg_plot.h"

#include <gtest/gtest.h>

namespace shoprl {
namespace {

TEST(SvgPlot, NiceTicksCoverTheRangeInStepsOfOneTwoOrFive) {
  EXPECT_EQ(nice_ticks(0.03, 0.97, 5),
            (std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1}));
  EXPECT_EQ(nice_ticks(-12, 37, 5), (std::vector<double>{-20, -10, 0, 10, 20, 30, 40}));
  EXPECT_EQ(nice_ticks(0, 3, 5), (std::vector<double>{0, 1, 2, 3}));
  EXPECT_EQ(nice_ticks(2, 2, 4), (std::vector<double>{1.5, 2, 2.5}));  // a unit span around 2
}

TEST(SvgPlot, LinearAxisMapsDomainEndsToRangeEnds) {
  const LinearAxis up{0, 10, 220, 20};  // an upward y axis
  EXPECT_DOUBLE_EQ(up.to_pixel(0), 220);
  EXPECT_DOUBLE_EQ(up.to_pixel(10), 20);
  EXPECT_DOUBLE_EQ(up.to_pixel(2.5), 170);
  EXPECT_EQ(LinearAxis({0.5, 1, 10, 20}).data_attributes("x"),
            " data-x-domain-low=\"0.5\" data-x-domain-high=\"1\" data-x-range-low=\"10\" "
            "data-x-range-high=\"20\"");
}

TEST(SvgPlot, EscapesMarkupAndQuotes) {
  EXPECT_EQ(xml_escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
}

TEST(SvgPlot, FormatsPixelsToAThousandthAndValuesExactly) {
  EXPECT_EQ(format_pixel(12.34567), "12.346");
  EXPECT_EQ(std::stod(format_exact(0.1)), 0.1);
  EXPECT_EQ(std::stod(format_exact(1.0 / 3.0)), 1.0 / 3.0);
}

}  // namespace
}  // namespace shoprl
