import { AreaChart, BarChart, DonutChart } from '@mantine/charts';
import '@mantine/charts/styles.css';

/**
 * The dashboard's charts, in their own chunk: the charting library is most of the page's weight, so the
 * figures show first and the charts follow.
 */
export { AreaChart, BarChart, DonutChart };
