import { article } from './article.js';
import { articleCategory } from './article_category.js';
import { articleColor } from './article_color.js';
import { articleStockLocation } from './article_stock_location.js';
import { company } from './company.js';
import { contact } from './contact.js';
import { dbAddress } from './db_address.js';
import { dbCountry } from './db_country.js';
import { dbUnitOfMeasure } from './db_unit_of_measure.js';
import { equipmentBrand } from './equipment_brand.js';
import { equipmentFamily } from './equipment_family.js';
import { equipmentModel } from './equipment_model.js';
import { jobDispatchLog } from './job_dispatch_log.js';
import { jobPartUsage } from './job_part_usage.js';
import { jobPlanning } from './job_planning.js';
import { jobPriority } from './job_priority.js';
import { jobStatus } from './job_status.js';
import { jobType } from './job_type.js';
import { jobs } from './jobs.js';
import { project } from './project.js';
import { projectStatus } from './project_status.js';
import { purchaseOrder } from './purchase_order.js';
import { purchaseOrderDetails } from './purchase_order_details.js';
import { purchaseOrderStatus } from './purchase_order_status.js';
import { salesOrganization } from './sales_organization.js';
import { skill } from './skill.js';
import { user } from './user.js';

/** All entities of the registry, referenced entities before referencing ones where possible. */
export const entities = [
  dbCountry,
  salesOrganization,
  dbUnitOfMeasure,
  company,
  dbAddress,
  contact,
  user,
  skill,
  jobType,
  jobPriority,
  jobStatus,
  projectStatus,
  equipmentBrand,
  equipmentFamily,
  equipmentModel,
  project,
  jobs,
  jobPlanning,
  jobDispatchLog,
  articleCategory,
  articleColor,
  article,
  articleStockLocation,
  purchaseOrderStatus,
  purchaseOrder,
  purchaseOrderDetails,
  jobPartUsage,
] as const;
