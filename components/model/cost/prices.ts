/**
 * The one price table the cost estimate reads: AWS on-demand list prices in us-east-1 (N. Virginia), Linux,
 * in US dollars, as AWS's public price pages state them on `PRICES.date`. Regional prices differ a little;
 * the estimate applies these to every region and says so. A month is 730 hours, as AWS's calculator counts it.
 */

export const PRICES = {
  /** The day the figures were taken down. */
  date: "2026-12-01",
  region: "us-east-1",
  source:
    "AWS price pages: aws.amazon.com/ec2/pricing/on-demand (instances, data transfer), aws.amazon.com/ebs/pricing (gp3), aws.amazon.com/s3/pricing (S3 Standard), " +
    "aws.amazon.com/fargate/pricing (per vCPU and GB), aws.amazon.com/elasticloadbalancing/pricing (NLB); check them in the AWS Pricing Calculator before budgeting",
  hoursPerMonth: 730,
  /** Per instance-hour. */
  instanceHour: {
    "m6i.large": 0.096,
    "m6i.xlarge": 0.192,
    "m6i.2xlarge": 0.384,
    "m6i.4xlarge": 0.768,
    "m7i.large": 0.1008,
    "m7i.xlarge": 0.2016,
    "m7i.2xlarge": 0.4032,
    "m7i.4xlarge": 0.8064,
    "m6id.large": 0.1187,
    "m6id.xlarge": 0.2373,
    "m6id.2xlarge": 0.4746,
    "m6id.4xlarge": 0.9492,
    "m6id.8xlarge": 1.8984,
    "i4i.large": 0.172,
    "i4i.xlarge": 0.343,
    "i4i.2xlarge": 0.686,
    "i4i.4xlarge": 1.373,
    "i4i.8xlarge": 2.746,
  } as Readonly<Record<string, number>>,
  /** Servers without a node pool, priced by what they request, at Fargate's rates. */
  vcpuHour: 0.04048,
  memoryGBHour: 0.004445,
  gp3: {
    /** Per GB-month of provisioned size. */
    gbMonth: 0.08,
    /** Per IOPS-month above the 3000 included. */
    iopsMonth: 0.005,
    includedIops: 3000,
    /** Per MiB/s-month above the 125 included. */
    throughputMonth: 0.04,
    includedThroughput: 125,
  },
  /** Per GB-month in S3 Standard, the first 50 TB (backups in a bucket). */
  s3StandardGBMonth: 0.023,
  /** Per GB, counted once per crossing: AWS bills $0.01 as it leaves one zone and $0.01 as it enters the other. */
  crossZoneGB: 0.02,
  /** Per GB sent from one region to another (gateways). */
  interRegionGB: 0.02,
  /** Per GB sent to the internet, the first 10 TB of a month (leaf links to sites outside AWS). */
  internetGB: 0.09,
  /** Per network load balancer-hour, before capacity units. */
  nlbHour: 0.0225,
} as const;
