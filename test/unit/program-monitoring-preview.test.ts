/** The program's monitoring objects under mocks in a first preview, with every key not known yet: the same objects as an update. */
import { describeMonitoredProgram } from "../support/program-monitoring-cases";

describeMonitoredProgram(true);
